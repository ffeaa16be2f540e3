package org.lit.core.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A pickle virtual machine for the opcodes torch.save emits (protocols 2-5). It never imports or
 * runs anything: globals become {@link Global} names, and the two callers that matter (tensor
 * rebuild and OrderedDict) are resolved by the {@link Reducer} given by the caller. Everything
 * else (argparse.Namespace, optimizer state) becomes a {@link PyObject} or plain Java collection.
 */
final class Unpickler {
    /** A module-level name referenced by the pickle, e.g. torch._utils._rebuild_tensor_v2. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** An instance of a class this reader does not model, with its constructor args and state. */
    static final class PyObject {
        final Global type;
        final List<Object> args;
        Object state;

        PyObject(Global type, List<Object> args) {
            this.type = type;
            this.args = args;
        }

        @Override
        public String toString() {
            return type.qualified() + (state != null ? state.toString() : args.toString());
        }
    }

    /** Turns (callable, args) into a value; returns null to fall back to a PyObject. */
    interface Reducer {
        Object reduce(Global callable, List<Object> args);
    }

    private static final Object MARK = new Object();
    private final ByteBuffer in;
    private final Function<List<Object>, Object> persistentLoad;
    private final Reducer reducer;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    Unpickler(byte[] data, Function<List<Object>, Object> persistentLoad, Reducer reducer) {
        this(ByteBuffer.wrap(data), persistentLoad, reducer);
    }

    /**
     * Reads one pickle from the buffer's position and leaves the position just after its STOP, so
     * pickles written back to back (the legacy torch.save format) are read one after the other.
     */
    Unpickler(ByteBuffer in, Function<List<Object>, Object> persistentLoad, Reducer reducer) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
        this.reducer = reducer;
    }

    @SuppressWarnings("unchecked")
    Object load() {
        while (true) {
            int op = Byte.toUnsignedInt(in.get());
            switch (op) {
                case 0x80 -> in.get();                                   // PROTO
                case 0x95 -> in.getLong();                               // FRAME
                case '.' -> {                                            // STOP
                    return stack.pop();
                }
                case '(' -> stack.push(MARK);
                case '}' -> stack.push(new LinkedHashMap<>());
                case ']' -> stack.push(new ArrayList<>());
                case ')' -> stack.push(new Tuple(List.of()));
                case 'N' -> stack.push(NONE);
                case 0x88 -> stack.push(Boolean.TRUE);
                case 0x89 -> stack.push(Boolean.FALSE);
                case 'J' -> stack.push((long) in.getInt());
                case 'K' -> stack.push((long) Byte.toUnsignedInt(in.get()));
                case 'M' -> stack.push((long) Short.toUnsignedInt(in.getShort()));
                case 0x8a -> stack.push(longOf(Byte.toUnsignedInt(in.get())));   // LONG1
                case 0x8b -> stack.push(longOf(in.getInt()));                      // LONG4
                case 'G' -> stack.push(ByteBuffer.wrap(bytes(8)).getDouble());     // BINFLOAT is big-endian
                case 'X', 'T' -> stack.push(text(in.getInt()));          // BINUNICODE, BINSTRING
                case 0x8c, 'U' -> stack.push(text(Byte.toUnsignedInt(in.get())));  // SHORT_BINUNICODE, SHORT_BINSTRING
                case 0x8d -> stack.push(text(Math.toIntExact(in.getLong())));      // BINUNICODE8
                case 'B' -> stack.push(bytes(in.getInt()));              // BINBYTES
                case 'C' -> stack.push(bytes(Byte.toUnsignedInt(in.get())));       // SHORT_BINBYTES
                case 0x8e -> stack.push(bytes(Math.toIntExact(in.getLong())));     // BINBYTES8
                case 'c' -> stack.push(new Global(line(), line()));      // GLOBAL
                case 0x93 -> {                                           // STACK_GLOBAL
                    String name = (String) stack.pop();
                    stack.push(new Global((String) stack.pop(), name));
                }
                case 't' -> stack.push(new Tuple(popMark()));
                case 0x85 -> stack.push(new Tuple(pop(1)));
                case 0x86 -> stack.push(new Tuple(pop(2)));
                case 0x87 -> stack.push(new Tuple(pop(3)));
                case 'l' -> stack.push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < items.size(); i += 2) m.put(items.get(i), items.get(i + 1));
                    stack.push(m);
                }
                case 'q' -> memo.put(Byte.toUnsignedInt(in.get()), stack.peek());   // BINPUT
                case 'r' -> memo.put(in.getInt(), stack.peek());                   // LONG_BINPUT
                case 0x94 -> memo.put(memo.size(), stack.peek());                  // MEMOIZE
                case 'h' -> stack.push(memo.get(Byte.toUnsignedInt(in.get())));    // BINGET
                case 'j' -> stack.push(memo.get(in.getInt()));                     // LONG_BINGET
                case '0' -> stack.pop();
                case '1' -> popMark();
                case '2' -> stack.push(stack.peek());
                case 'a' -> {
                    Object v = stack.pop();
                    ((List<Object>) stack.peek()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    ((List<Object>) stack.peek()).addAll(items);
                }
                case 's' -> {
                    Object v = stack.pop();
                    Object k = stack.pop();
                    ((Map<Object, Object>) stack.peek()).put(k, v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> m = (Map<Object, Object>) stack.peek();
                    for (int i = 0; i < items.size(); i += 2) m.put(items.get(i), items.get(i + 1));
                }
                case 0x8f -> stack.push(new ArrayList<>());              // EMPTY_SET (as a list)
                case 0x90 -> {                                           // ADDITEMS
                    List<Object> items = popMark();
                    ((List<Object>) stack.peek()).addAll(items);
                }
                case 0x91 -> stack.push(new ArrayList<>(popMark()));     // FROZENSET
                case 'Q' -> stack.push(persistentLoad.apply(((Tuple) stack.pop()).items()));   // BINPERSID
                case 'R' -> {                                            // REDUCE
                    Tuple args = (Tuple) stack.pop();
                    stack.push(call((Global) stack.pop(), args.items()));
                }
                case 0x81 -> {                                           // NEWOBJ
                    Tuple args = (Tuple) stack.pop();
                    stack.push(call((Global) stack.pop(), args.items()));
                }
                case 'b' -> build(stack.pop(), stack.peek());            // BUILD
                default -> throw new IllegalArgumentException(String.format("unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
            }
        }
    }

    /** A Python tuple (kept apart from lists so tensor sizes and persistent ids read naturally). */
    record Tuple(List<Object> items) {
    }

    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private Object call(Global callable, List<Object> args) {
        Object v = reducer.reduce(callable, args);
        return v != null ? v : new PyObject(callable, args);
    }

    private void build(Object state, Object target) {
        if (target instanceof PyObject o) o.state = state;
        // A dict's BUILD sets attributes (a state dict's _metadata), never items; tensors and
        // parameters carry no state a reader here needs.
    }

    private List<Object> pop(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) items[i] = stack.pop();
        return List.of(items);
    }

    private List<Object> popMark() {
        List<Object> items = new ArrayList<>();
        while (stack.peek() != MARK) items.add(0, stack.pop());
        stack.pop();
        return items;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte b; (b = in.get()) != '\n'; ) sb.append((char) b);
        return sb.toString();
    }

    private String text(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    /** A Long, or a BigInteger beyond 8 bytes (torch.save's magic number 0x1950a86a20f9469cfc6c takes 10). */
    private Object longOf(int n) {
        byte[] b = bytes(n);
        if (n > 8) {
            byte[] bigEndian = new byte[n];
            for (int i = 0; i < n; i++) bigEndian[i] = b[n - 1 - i];
            return new BigInteger(bigEndian);
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | Byte.toUnsignedLong(b[i]);
        if (n > 0 && n < 8 && b[n - 1] < 0) v -= 1L << (8 * n);       // two's complement sign
        return v;
    }
}
