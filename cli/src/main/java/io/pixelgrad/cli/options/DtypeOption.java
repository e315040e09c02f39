package io.pixelgrad.cli.options;

import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.Locale;

/** {@code --dtype}: the precision every array of a run is computed in. Shared by every command that runs a network. */
public final class DtypeOption {

    /** The data type: FLOAT (float32) or DOUBLE (float64). */
    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32", converter = Converter.class,
            description = {"Precision of the whole run: float32 (default) or float64. Weights, input, activations, gradients and "
                    + ".npy outputs all take it. float64 gives exact references (PyTorch's float64 agrees to about 1e-12) "
                    + "where float32 results may hinge on rounding; it runs several times slower."})
    public DataType dataType = DataType.FLOAT;

    /** The name users write: "float32" or "float64". */
    public String label() {
        return label(dataType);
    }

    /** The user-facing name of a data type. */
    public static String label(DataType type) {
        return type == DataType.DOUBLE ? "float64" : "float32";
    }

    /** Parses "float32" / "float64" (also "f32", "f64", "float", "double"), naming the allowed values otherwise. */
    public static final class Converter implements CommandLine.ITypeConverter<DataType> {
        @Override
        public DataType convert(String value) {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "float32", "f32", "float" -> {
                    return DataType.FLOAT;
                }
                case "float64", "f64", "double" -> {
                    return DataType.DOUBLE;
                }
                default -> throw new CommandLine.TypeConversionException(
                        "unknown --dtype '" + value + "': use float32 or float64");
            }
        }
    }
}
