package dev.echo.runtime.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Runs the examples named on the command line, or all of them. */
public final class Examples {

    public static void main(String[] args) throws Exception {
        Map<String, Consumer<String[]>> examples = new LinkedHashMap<>();
        examples.put("basic", BasicSpawnExample::main);
        examples.put("async", AsyncAwaitExample::main);
        examples.put("tcp", TcpEchoExample::main);
        examples.put("reactive-mono", ReactiveMonoExample::main);
        examples.put("reactive-flux", ReactiveFluxExample::main);
        for (String extra : new String[] {"channel", "select"}) {
            String type = "dev.echo.runtime.examples." + (extra.equals("channel") ? "ChannelCommExample" : "SelectExample");
            try {
                var main = Class.forName(type).getMethod("main", String[].class);
                examples.put(extra, a -> {
                    try {
                        main.invoke(null, (Object) a);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (ClassNotFoundException e) {
                // not built yet
            }
        }
        String[] names = args.length == 0 ? examples.keySet().toArray(String[]::new) : args;
        for (String name : names) {
            Consumer<String[]> example = examples.get(name);
            if (example == null) {
                throw new IllegalArgumentException("no example named '" + name + "'; known: " + examples.keySet());
            }
            System.out.println("== " + name);
            example.accept(new String[0]);
        }
    }
}
