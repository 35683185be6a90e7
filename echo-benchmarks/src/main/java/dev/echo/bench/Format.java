package dev.echo.bench;

import java.math.BigDecimal;
import java.math.MathContext;

/** Number formatting for the output contract: plain decimals, no grouping, no exponent. */
final class Format {

    private Format() {
    }

    /**
     * Integers from 1,000 up; otherwise four significant digits (enough for the variation these
     * machines show, and no false precision).
     */
    static String value(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("not a measurement: " + value);
        }
        if (Math.abs(value) >= 1000) {
            return Long.toString(Math.round(value));
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A ratio with three significant digits. */
    static String ratio(double ratio) {
        return new BigDecimal(ratio).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
