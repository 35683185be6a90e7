package dev.echo.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Names the missing {@code --add-opens} flag and where to put it. */
class AddOpensMissingFailureAnalyzer extends AbstractFailureAnalyzer<AddOpensMissingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, AddOpensMissingException cause) {
        return new FailureAnalysis(
                "Echo Runtime could not start: " + cause.getMessage() + ". Echo runs its tasks as virtual threads on its own"
                        + " scheduler, which the JDK only allows through java.lang's package-private virtual-thread builder.",
                "Add " + AddOpensMissingException.FLAG + " to the java command line (for example"
                        + " JAVA_TOOL_OPTIONS=\"" + AddOpensMissingException.FLAG + "\", or jvmArguments of spring-boot:run, or"
                        + " the surefire argLine); an executable jar started with java -jar can carry"
                        + " 'Add-Opens: java.base/java.lang' in its manifest instead. To start without Echo, set"
                        + " echo.runtime.enabled=false.",
                cause);
    }
}
