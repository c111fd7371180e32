package io.stratagem.process.internal;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;

/**
 * A serialized lambda, as {@link SerializedLambda} but cheaper to read: the JDK's {@code readResolve} looks up the
 * capturing class's {@code $deserializeLambda$} method reflectively on every read, which dominated the cost of
 * decoding a tiny task in a worker; this one caches it per class ({@link LambdaCodec#recreate}). Same fields, same
 * checks (the capturing class's own {@code $deserializeLambda$} validates them), same allow-list (the capturing class
 * is a class descriptor in the stream and the resolved lambda's class is checked by the reader's filter).
 */
record LambdaRef(Class<?> capturingClass, String functionalInterfaceClass, String functionalInterfaceMethodName,
                 String functionalInterfaceMethodSignature, int implMethodKind, String implClass,
                 String implMethodName, String implMethodSignature, String instantiatedMethodType,
                 Object[] capturedArgs) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    static LambdaRef of(SerializedLambda l, Class<?> capturingClass) {
        Object[] args = new Object[l.getCapturedArgCount()];
        for (int i = 0; i < args.length; i++) {
            args[i] = l.getCapturedArg(i);
        }
        return new LambdaRef(capturingClass, l.getFunctionalInterfaceClass(), l.getFunctionalInterfaceMethodName(),
                l.getFunctionalInterfaceMethodSignature(), l.getImplMethodKind(), l.getImplClass(),
                l.getImplMethodName(), l.getImplMethodSignature(), l.getInstantiatedMethodType(), args);
    }

    @Serial
    private Object readResolve() throws ObjectStreamException {
        return LambdaCodec.recreate(capturingClass, new SerializedLambda(capturingClass, functionalInterfaceClass,
                functionalInterfaceMethodName, functionalInterfaceMethodSignature, implMethodKind, implClass,
                implMethodName, implMethodSignature, instantiatedMethodType, capturedArgs));
    }
}
