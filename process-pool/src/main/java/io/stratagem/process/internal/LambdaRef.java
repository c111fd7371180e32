package io.stratagem.process.internal;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A serialized lambda, as {@link SerializedLambda} but cheaper to read: the JDK's {@code readResolve} looks up the
 * capturing class's {@code $deserializeLambda$} method reflectively on every read, which dominated the cost of
 * decoding a tiny task in a worker; this one caches the method per class. Same fields, same checks (the capturing
 * class's own {@code $deserializeLambda$} validates them), same allow-list (the capturing class is a class descriptor
 * in the stream and the resolved lambda's class is checked by the reader's filter).
 */
record LambdaRef(Class<?> capturingClass, String functionalInterfaceClass, String functionalInterfaceMethodName,
                 String functionalInterfaceMethodSignature, int implMethodKind, String implClass,
                 String implMethodName, String implMethodSignature, String instantiatedMethodType,
                 Object[] capturedArgs) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final ClassValue<Method> DESERIALIZERS = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }
    };

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
        Method m = DESERIALIZERS.get(capturingClass);
        if (m == null) {
            throw new InvalidObjectException(capturingClass.getName() + " has no lambdas to deserialize");
        }
        SerializedLambda l = new SerializedLambda(capturingClass, functionalInterfaceClass, functionalInterfaceMethodName,
                functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName, implMethodSignature,
                instantiatedMethodType, capturedArgs);
        try {
            return m.invoke(null, l);
        } catch (InvocationTargetException e) {
            InvalidObjectException x = new InvalidObjectException("cannot deserialize a lambda of "
                    + capturingClass.getName() + ": " + e.getCause());
            x.initCause(e.getCause());
            throw x;
        } catch (IllegalAccessException e) {
            throw new InvalidObjectException("cannot deserialize a lambda of " + capturingClass.getName() + ": " + e);
        }
    }
}
