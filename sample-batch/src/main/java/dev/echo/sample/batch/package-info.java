/**
 * The batch sample: a Spring Batch job that analyses a web access log (common log format), whose
 * partitioned step runs each partition as a pipeline of task pools connected by bounded channels.
 */
@NullMarked
package dev.echo.sample.batch;

import org.jspecify.annotations.NullMarked;
