import java.io.Serializable;
import java.util.function.IntSupplier;

/** A lambda written in a class of the unnamed package, for the allow-list's error message (JavaSerializationCodecTest). */
public final class UnnamedPackageLambda {
    private UnnamedPackageLambda() {
    }

    public static Object answer() {
        return (IntSupplier & Serializable) () -> 42;
    }
}
