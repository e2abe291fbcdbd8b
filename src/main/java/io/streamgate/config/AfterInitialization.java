package io.streamgate.config;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Adjusts or replaces a framework-made bean once it is initialised, for what its own configuration does not expose
 * (the order of WebFlux's router mapping, the way Spring Security runs its filters). Declare it from a {@code static}
 * {@code @Bean} method, as Spring asks of post-processors.
 */
public final class AfterInitialization {

    private AfterInitialization() {
    }

    /** Applies {@code change} to every bean of {@code type}. */
    public static <T> BeanPostProcessor of(Class<T> type, Consumer<? super T> change) {
        return replacing(type, bean -> {
            change.accept(bean);
            return bean;
        });
    }

    /** Puts what {@code replacement} makes of every bean of {@code type} in its place (a {@code type} still). */
    public static <T> BeanPostProcessor replacing(Class<T> type, UnaryOperator<T> replacement) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return type.isInstance(bean) ? replacement.apply(type.cast(bean)) : bean;
            }
        };
    }
}
