package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/**
 * Reactive Streams TCK {@link SubscriberBlackboxVerification} of the subscriber behind
 * {@link PublisherChannel#open}: its feeder task, with a consumer task draining the channel as
 * a user would.
 */
public class PublisherChannelBlackboxTckTest extends SubscriberBlackboxVerification<Integer> {

    private final EchoRuntime runtime = ReactiveTests.runtime(2, "tckblackbox");

    public PublisherChannelBlackboxTckTest() {
        super(new TestEnvironment(TckSettings.TIMEOUT_MILLIS, TckSettings.NO_SIGNAL_MILLIS));
    }

    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        runtime.close();
    }

    @Override
    public Subscriber<Integer> createSubscriber() {
        Channel<Integer> channel = Channel.buffered(2);
        PublisherChannel.Feeder<Integer> feeder = new PublisherChannel.Feeder<>(channel);
        runtime.spawn(feeder);
        runtime.spawn(() -> {
            try {
                for (Integer ignored : channel) {
                    // a consumer that takes everything
                }
            } catch (ChannelClosedException closedWithTheTcksError) {
                // onError closed it with a cause
            }
        });
        return feeder;
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
