package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.reactivestreams.tck.SubscriberWhiteboxVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/**
 * Reactive Streams TCK {@link SubscriberWhiteboxVerification} of the subscriber behind
 * {@link PublisherChannel#open}. The probe sees each signal as the feeder receives it. The
 * puppet's {@code signalCancel} is what a user does, closing the channel (the feeder then
 * cancels); its {@code triggerRequest(n)} requests on the subscription directly, as the TCK's
 * own example subscribers do, because rules 3.9 and 3.17 are checked through exactly that call.
 */
public class PublisherChannelWhiteboxTckTest extends SubscriberWhiteboxVerification<Integer> {

    private final EchoRuntime runtime = ReactiveTests.runtime(2, "tckwhitebox");

    public PublisherChannelWhiteboxTckTest() {
        super(new TestEnvironment(TckSettings.TIMEOUT_MILLIS, TckSettings.NO_SIGNAL_MILLIS));
    }

    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        runtime.close();
    }

    @Override
    public Subscriber<Integer> createSubscriber(WhiteboxSubscriberProbe<Integer> probe) {
        Channel<Integer> channel = Channel.unbuffered();
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
        return new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                feeder.onSubscribe(subscription);
                probe.registerOnSubscribe(new SubscriberPuppet() {
                    @Override
                    public void triggerRequest(long elements) {
                        subscription.request(elements);
                    }

                    @Override
                    public void signalCancel() {
                        ChannelFlux.closeQuietly(channel, null);
                    }
                });
            }

            @Override
            public void onNext(Integer element) {
                feeder.onNext(element);
                probe.registerOnNext(element);
            }

            @Override
            public void onError(Throwable failure) {
                feeder.onError(failure);
                probe.registerOnError(failure);
            }

            @Override
            public void onComplete() {
                feeder.onComplete();
                probe.registerOnComplete();
            }
        };
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
