package dev.echo.sample.batch;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.SmartLifecycle;

/**
 * Ctrl-C (SIGINT) or SIGTERM while the job runs: Boot's shutdown hook closes the context, and
 * this lifecycle stops first (its phase is above the Echo runtime's and the data source's
 * users'). It interrupts the threads that are inside the job's tasklets — generating the input,
 * running a partition's pipeline (which cancels its tasks or interrupts its threads), writing the
 * report — and waits for the job to end. The running step then fails, Spring Batch records the
 * job as FAILED while the database is still open, no report is renamed into place, and only then
 * does the runtime close.
 *
 * <p>Only the tasklets' threads are interrupted, never the job's own thread inside Spring Batch's
 * repository calls, so the failure is recorded rather than lost mid-transaction.
 */
final class JobInterruption implements SmartLifecycle, JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(JobInterruption.class);
    /** Above EchoRuntimeLifecycle's phase (MAX - 3072): stops before the runtime closes. */
    static final int PHASE = Integer.MAX_VALUE - 1024;
    private static final long WAIT_SECONDS = 30;

    /** A tasklet's thread while it is inside the job; closing it leaves. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Guarded by itself: interrupting and leaving exclude each other. */
    private final Set<Thread> inside = new HashSet<>();
    private volatile CountDownLatch jobEnded = new CountDownLatch(0);
    private volatile boolean running;
    private volatile boolean stopping;

    /** Marks the calling thread as one to interrupt on shutdown, until the registration closes. */
    Registration register() {
        Thread self = Thread.currentThread();
        synchronized (inside) {
            inside.add(self);
            if (stopping) {
                self.interrupt(); // shutting down already: the tasklet stops at its first wait
            }
        }
        return () -> {
            synchronized (inside) {
                inside.remove(self);
                if (stopping) {
                    // Our interrupt has done its work in the tasklet; Spring Batch's repository
                    // calls that record the failure must not see it.
                    Thread.interrupted();
                }
            }
        };
    }

    /** Whether a shutdown interrupted the job. */
    boolean interrupted() {
        return stopping;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        jobEnded = new CountDownLatch(1);
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        jobEnded.countDown();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (jobEnded.getCount() == 0) {
            return; // no job running: an ordinary end of the application
        }
        log.warn("Shutting down: interrupting the running job; no report will be written");
        synchronized (inside) {
            stopping = true;
            inside.forEach(Thread::interrupt);
        }
        try {
            if (!jobEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("The job did not end within {} s of the interrupt", WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
