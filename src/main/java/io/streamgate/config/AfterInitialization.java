package io.streamgate.config;

import java.util.function.Consumer;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Adjusts a framework-made bean once it is initialised, for a setting its own configuration does not expose (the
 * order of WebFlux's router mapping, the filter chain Spring Security runs its filters in). Declare it from a
 * {@code static} {@code @Bean} method, as Spring asks of post-processors.
 */
public final class AfterInitialization {

    private AfterInitialization() {
    }

    /** Applies {@code change} to every bean of {@code type}. */
    public static <T> BeanPostProcessor of(Class<T> type, Consumer<? super T> change) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (type.isInstance(bean)) {
                    change.accept(type.cast(bean));
                }
                return bean;
            }
        };
    }
}
