package dev.echo.spring.task;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.AsyncAnnotationBeanPostProcessor;

/**
 * Proxies beans with {@link EchoTask @EchoTask} methods, as Spring's
 * {@link AsyncAnnotationBeanPostProcessor} does for {@code @Async} (this is one, with
 * {@code @EchoTask} as its annotation type and {@link EchoTaskAdvisor} as its advisor).
 *
 * <p>Unlike {@code @Async}, which fails on the first call, a method whose return type cannot
 * carry the task's result fails the bean's creation, and so the application's start-up, with
 * an {@link EchoTaskReturnTypeException} naming the method.
 */
public final class EchoTaskAnnotationBeanPostProcessor extends AsyncAnnotationBeanPostProcessor {

    private final Supplier<EchoTaskExecutor> executor;

    private final Supplier<? extends AsyncUncaughtExceptionHandler> exceptionHandler;

    /**
     * @param executor the executor of the application's runtime, asked for on first use
     * @param exceptionHandler receives the failures of {@code void} methods
     */
    public EchoTaskAnnotationBeanPostProcessor(Supplier<EchoTaskExecutor> executor,
            Supplier<? extends AsyncUncaughtExceptionHandler> exceptionHandler) {
        this.executor = executor;
        this.exceptionHandler = exceptionHandler;
        setAsyncAnnotationType(EchoTask.class);
        // Class proxies, as Boot's spring.aop.proxy-target-class=true gives the other proxies: a
        // bean that implements an interface can still be injected by its class.
        setProxyTargetClass(true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        // super built Spring's own AsyncAnnotationAdvisor; ours differs only in its interceptor.
        EchoTaskAdvisor advisor = new EchoTaskAdvisor(this.executor, this.exceptionHandler);
        advisor.setBeanFactory(beanFactory);
        this.advisor = advisor;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (isEligible(bean, beanName)) {
            rejectUnsupportedReturnTypes(AopUtils.getTargetClass(bean));
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private static void rejectUnsupportedReturnTypes(Class<?> targetClass) {
        Map<Method, EchoTask> methods = MethodIntrospector.selectMethods(targetClass,
                (MethodIntrospector.MetadataLookup<EchoTask>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method, EchoTask.class));
        for (Method method : methods.keySet()) {
            if (EchoTaskReturnType.of(method) == null) {
                throw new EchoTaskReturnTypeException(method);
            }
        }
    }
}
