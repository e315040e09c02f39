package io.pixelgrad.vis.synthesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The small text syntax for objectives on the command line, e.g. {@code "features.28:12 - 100*diversity(features.20)"}.
 * <pre>
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*           (at most one side of '*' may be an objective; '/' by numbers)
 *   unary   := '-' unary | primary
 *   primary := NUMBER | '(' expr ')' | LAYER ':' CHANNEL ['@' Y ',' X] | NAME '(' args ')'
 * </pre>
 * {@code L:c} is channel(L, c), {@code L:c@y,x} is neuron(L, c, y, x). Functions: channel(L, c), neuron(L, c[, y, x]),
 * class(k or "name"), layer(L) (alias dream), direction(L, FILE.npy), diversity(L), l1(), l2(), tv([beta]),
 * alpha([alpha]), blur() on the picture, xl2() (sum of squares of the model input). Errors give the column where the text stops making sense.
 */
public final class ObjectiveParser {

    /** What the parser cannot know itself: class names and direction vectors. */
    public interface Context {
        /** The index of a class given by name; an IllegalArgumentException naming close matches if unknown. */
        int classIndex(String name);

        /** The values of a direction vector stored in a file (.npy). */
        double[] direction(String file);
    }

    /** A context without class names or files. */
    public static final Context NONE = new Context() {
        @Override
        public int classIndex(String name) {
            throw new IllegalArgumentException("class names are not available here: give the class index");
        }

        @Override
        public double[] direction(String file) {
            throw new IllegalArgumentException("direction files are not available here");
        }
    };

    /** A malformed objective: the message names the column. */
    public static final class SyntaxException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** The 1-based column of the problem. */
        private final int column;

        SyntaxException(String text, int position, String what) {
            super("objective \"" + text + "\" at column " + (position + 1) + ": " + what);
            this.column = position + 1;
        }

        /** The 1-based column of the problem. */
        public int column() {
            return column;
        }
    }

    private enum Kind { NUMBER, NAME, STRING, PUNCT, END }

    private record Token(Kind kind, String text, int position) {
    }

    private final String text;
    private final Context context;
    private final List<Token> tokens = new ArrayList<>();
    private int next;

    private ObjectiveParser(String text, Context context) {
        this.text = text;
        this.context = context;
    }

    /** Parses an objective. */
    public static Objective parse(String text, Context context) {
        ObjectiveParser p = new ObjectiveParser(text, context);
        p.lex();
        Object value = p.expr();
        if (p.peek().kind != Kind.END) throw p.error(p.peek().position, "unexpected '" + p.peek().text + "'");
        if (!(value instanceof Objective o)) throw p.error(0, "a number alone is not an objective");
        return o;
    }

    /** Parses an objective without class names or direction files. */
    public static Objective parse(String text) {
        return parse(text, NONE);
    }

    // ------------------------------------------------------------------------------------------ lexer

    private void lex() {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
                int start = i;
                while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) i++;
                if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (j < text.length() && (text.charAt(j) == '+' || text.charAt(j) == '-')) j++;
                    if (j < text.length() && Character.isDigit(text.charAt(j))) {
                        i = j;
                        while (i < text.length() && Character.isDigit(text.charAt(i))) i++;
                    }
                }
                tokens.add(new Token(Kind.NUMBER, text.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                // module names contain dots and digits: features.28, classifier.6, layer4.1.conv2
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '.')) i++;
                tokens.add(new Token(Kind.NAME, text.substring(start, i), start));
            } else if (c == '"' || c == '\'') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) throw error(i, "unclosed quote");
                tokens.add(new Token(Kind.STRING, text.substring(i + 1, end), i));
                i = end + 1;
            } else if ("+-*/(),:@".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.PUNCT, String.valueOf(c), i));
                i++;
            } else {
                throw error(i, "unexpected character '" + c + "'");
            }
        }
        tokens.add(new Token(Kind.END, "end", text.length()));
    }

    // ------------------------------------------------------------------------------------------ grammar

    private Object expr() {
        Object left = term();
        while (isPunct("+") || isPunct("-")) {
            Token op = take();
            Object right = term();
            left = combine(left, right, op);
        }
        return left;
    }

    private Object term() {
        Object left = unary();
        while (isPunct("*") || isPunct("/")) {
            Token op = take();
            Object right = unary();
            if (op.text.equals("*")) {
                if (left instanceof Objective a && right instanceof Objective) throw error(op.position, "two objectives cannot be multiplied; scale one by a number");
                if (left instanceof Objective a) left = a.times((Double) right);
                else if (right instanceof Objective b) left = b.times((Double) left);
                else left = (Double) left * (Double) right;
            } else {
                if (!(right instanceof Double d)) throw error(op.position, "only numbers can divide");
                if (d == 0) throw error(op.position, "division by zero");
                left = left instanceof Objective a ? a.times(1 / d) : (Double) left / d;
            }
        }
        return left;
    }

    private Object unary() {
        if (isPunct("-")) {
            take();
            Object v = unary();
            return v instanceof Objective o ? o.negate() : -(Double) v;
        }
        return primary();
    }

    private Object primary() {
        Token t = peek();
        switch (t.kind) {
            case NUMBER -> {
                take();
                try {
                    return Double.parseDouble(t.text);
                } catch (NumberFormatException e) {
                    throw error(t.position, "'" + t.text + "' is not a number");
                }
            }
            case PUNCT -> {
                if (t.text.equals("(")) {
                    take();
                    Object v = expr();
                    expect(")");
                    return v;
                }
                throw error(t.position, "expected a number, a unit such as features.28:12, a function or '('");
            }
            case NAME -> {
                take();
                if (isPunct("(")) return call(t);
                if (isPunct(":")) return unit(t);
                throw error(t.position + t.text.length(), "expected ':' and a channel after the layer '" + t.text
                        + "', or '(' after a function name");
            }
            default -> throw error(t.position, t.kind == Kind.END ? "unexpected end: expected a number, a unit or a function"
                    : "unexpected \"" + t.text + "\"");
        }
    }

    private Objective unit(Token layer) {
        take();   // ':'
        int channel = integer("a channel number");
        if (isPunct("@")) {
            take();
            int y = integer("a row");
            expect(",");
            int x = integer("a column");
            return Objective.neuron(layer.text, channel, y, x);
        }
        return Objective.channel(layer.text, channel);
    }

    private Objective call(Token name) {
        take();   // '('
        List<Token> args = new ArrayList<>();
        if (!isPunct(")")) {
            args.add(argument());
            while (isPunct(",")) {
                take();
                args.add(argument());
            }
        }
        Token close = peek();
        expect(")");
        String f = name.text.toLowerCase(Locale.ROOT);
        return switch (f) {
            case "channel" -> {
                arity(name, args, 2, 2);
                yield Objective.channel(layerArg(args.get(0)), intArg(args.get(1)));
            }
            case "neuron" -> {
                arity(name, args, 2, 4);
                if (args.size() == 3) throw error(close.position, "neuron takes (layer, channel) or (layer, channel, y, x)");
                yield args.size() == 2 ? Objective.neuron(layerArg(args.get(0)), intArg(args.get(1)), null, null)
                        : Objective.neuron(layerArg(args.get(0)), intArg(args.get(1)), intArg(args.get(2)), intArg(args.get(3)));
            }
            case "class" -> {
                arity(name, args, 1, 1);
                Token a = args.get(0);
                yield Objective.classLogit(a.kind == Kind.NUMBER ? intArg(a) : classByName(a));
            }
            case "layer", "dream" -> {
                arity(name, args, 1, 1);
                yield Objective.layer(layerArg(args.get(0)));
            }
            case "direction" -> {
                arity(name, args, 2, 2);
                yield Objective.direction(layerArg(args.get(0)), context.direction(args.get(1).text));
            }
            case "diversity" -> {
                arity(name, args, 1, 1);
                yield Objective.diversity(layerArg(args.get(0)));
            }
            case "l1" -> {
                arity(name, args, 0, 0);
                yield Objective.l1();
            }
            case "l2" -> {
                arity(name, args, 0, 0);
                yield Objective.l2();
            }
            case "tv" -> {
                arity(name, args, 0, 1);
                yield Objective.tv(args.isEmpty() ? 2 : numberArg(args.get(0)));
            }
            case "alpha" -> {
                arity(name, args, 0, 1);
                yield Objective.alphaNorm(args.isEmpty() ? 6 : numberArg(args.get(0)));
            }
            case "blur" -> {
                arity(name, args, 0, 0);
                yield Objective.blur();
            }
            case "xl2" -> {
                arity(name, args, 0, 0);
                yield Objective.inputSquares();
            }
            default -> throw error(name.position, "unknown function '" + name.text + "'; known: channel, neuron, class, layer,"
                    + " direction, diversity, l1, l2, tv, alpha, blur, xl2");
        };
    }

    /** One argument: a number (possibly negative), a name (layer or file) or a quoted string. */
    private Token argument() {
        Token t = peek();
        if (isPunct("-") && tokens.get(next + 1).kind == Kind.NUMBER) {
            take();
            Token n = take();
            return new Token(Kind.NUMBER, "-" + n.text, t.position);
        }
        if (t.kind == Kind.NUMBER || t.kind == Kind.NAME || t.kind == Kind.STRING) return take();
        throw error(t.position, "expected an argument");
    }

    private int classByName(Token t) {
        try {
            return context.classIndex(t.text);
        } catch (IllegalArgumentException e) {
            throw error(t.position, e.getMessage());
        }
    }

    private void arity(Token name, List<Token> args, int min, int max) {
        if (args.size() < min || args.size() > max)
            throw error(name.position, name.text + " takes " + (min == max ? String.valueOf(min) : min + " to " + max)
                    + " argument" + (max == 1 ? "" : "s") + ", not " + args.size());
    }

    private String layerArg(Token t) {
        if (t.kind != Kind.NAME) throw error(t.position, "expected a layer name such as features.28");
        return t.text;
    }

    private int intArg(Token t) {
        double v = numberArg(t);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) throw error(t.position, "expected a whole number, not " + t.text);
        return (int) v;
    }

    private double numberArg(Token t) {
        if (t.kind != Kind.NUMBER) throw error(t.position, "expected a number, not '" + t.text + "'");
        try {
            return Double.parseDouble(t.text);
        } catch (NumberFormatException e) {
            throw error(t.position, "'" + t.text + "' is not a number");
        }
    }

    private int integer(String what) {
        Token t = peek();
        if (t.kind != Kind.NUMBER) throw error(t.position, "expected " + what);
        take();
        return intArg(t);
    }

    private Object combine(Object left, Object right, Token op) {
        boolean plus = op.text.equals("+");
        if (left instanceof Objective a && right instanceof Objective b) return plus ? a.plus(b) : a.minus(b);
        if (left instanceof Double x && right instanceof Double y) return plus ? x + y : x - y;
        throw error(op.position, "a number cannot be added to an objective (it would not change the result)");
    }

    private boolean isPunct(String p) {
        Token t = peek();
        return t.kind == Kind.PUNCT && t.text.equals(p);
    }

    private void expect(String p) {
        if (!isPunct(p)) throw error(peek().position, "expected '" + p + "'");
        take();
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        return tokens.get(next++);
    }

    private SyntaxException error(int position, String what) {
        return new SyntaxException(text, position, what);
    }
}
