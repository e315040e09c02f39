package io.pixelgrad.cli.options;

import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Locale;

/** {@code --dtype}: float32 (the default) or float64 arithmetic. */
public final class DtypeOption {

    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /** The data type as given. */
    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32",
            description = "Arithmetic precision: float32 or float64 (default: ${DEFAULT-VALUE}).")
    public String dtype;

    /** The ND4J data type, or a one-line command-line error (exit 2). */
    public DataType dataType() {
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32", "float", "f32" -> DataType.FLOAT;
            case "float64", "double", "f64" -> DataType.DOUBLE;
            default -> throw new CommandLine.ParameterException(mixee.commandLine(), "--dtype must be float32 or float64, not " + dtype);
        };
    }
}
