package io.streamgate.kafka;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * True when {@code streamgate.kafka.bootstrap-servers} is missing or blank. ({@code @ConditionalOnProperty} with an
 * empty {@code havingValue} means "anything but false", which is not this.)
 */
final class NoBootstrapServersCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return !StringUtils.hasText(context.getEnvironment().getProperty("streamgate.kafka.bootstrap-servers"));
    }
}
