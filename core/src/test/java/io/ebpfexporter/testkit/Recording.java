package io.ebpfexporter.testkit;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * What a walk read of some kernel objects, recorded once on a real kernel and replayed without one:
 * per object its info bytes as the kernel returned them, the side buffer the kernel wrote, its fdinfo
 * and the strings behind pointer fields. {@link #source} reads the kernel, showing and recording only
 * the objects {@code keep} accepts; {@link #replay} answers from a saved file, as a kernel holding
 * exactly those objects would. The file is text, one line per answer: {@code <kind> <id> <what> <hex>}.
 */
public final class Recording {
    /** Kind → id → answer ("info", "side", "fdinfo", "pointed:<field>") → bytes. */
    private final Map<String, Map<Integer, Map<String, byte[]>>> objects = new ConcurrentHashMap<>();
    private final BiPredicate<ObjectKind<?>, Integer> keep;

    private Recording(BiPredicate<ObjectKind<?>, Integer> keep) {
        this.keep = keep;
    }

    /** A recording of the kernel's objects that {@code keep} accepts. */
    public static Recording of(BiPredicate<ObjectKind<?>, Integer> keep) {
        return new Recording(keep);
    }

    /** The kernel as a source that shows only the kept objects, recording every answer about them. */
    public ObjectSource source() {
        return () -> new Recorder(ObjectSource.KERNEL.reader());
    }

    /** The recording saved at {@code file}, as a source. */
    public static ObjectSource replay(Path file) throws IOException {
        Recording recording = new Recording((kind, id) -> true);
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ", 4);
            recording.answers(f[0], Integer.parseInt(f[1])).put(f[2], HexFormat.of().parseHex(f.length == 4 ? f[3] : ""));
        }
        return () -> recording.new Replayer();
    }

    public void save(Path file, String header) throws IOException {
        List<String> lines = new ArrayList<>(List.of("# " + header));
        new TreeMap<>(objects).forEach((kind, ids) -> new TreeMap<>(ids).forEach((id, answers) ->
                new TreeMap<>(answers).forEach((what, bytes) ->
                        lines.add(kind + " " + id + " " + what + " " + HexFormat.of().formatHex(bytes)))));
        Files.write(file, lines);
    }

    private Map<String, byte[]> answers(String kind, int id) {
        return objects.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(id, i -> new ConcurrentHashMap<>());
    }

    private static byte[] bytes(NativeBuffer buffer, int length) {
        byte[] out = new byte[length];
        buffer.view().get(0, out);
        return out;
    }

    /** Without trailing zeros: the side buffers are mostly empty. */
    private static byte[] trimmed(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    private final class Recorder implements ObjectSource.Reader {
        private final ObjectSource.Reader kernel;
        private final Map<Integer, Map<String, byte[]>> open = new ConcurrentHashMap<>();

        Recorder(ObjectSource.Reader kernel) {
            this.kernel = kernel;
        }

        @Override
        public int nextId(ObjectKind<?> kind, int after) {
            int id = kernel.nextId(kind, after);
            while (id != 0 && !keep.test(kind, id)) {
                id = kernel.nextId(kind, id);
            }
            return id;
        }

        @Override
        public int open(ObjectKind<?> kind, int id) {
            int fd = kernel.open(kind, id);
            open.put(fd, answers(kind.toString(), id));
            return fd;
        }

        @Override
        public int info(ObjectKind<?> kind, int fd, NativeBuffer info, NativeBuffer side) {
            int length = kernel.info(kind, fd, info, side);
            Map<String, byte[]> answers = open.get(fd);
            answers.put("info", bytes(info, Math.min(length, info.size())));
            answers.put("side", trimmed(bytes(side, side.size())));
            return length;
        }

        @Override
        public byte[] fdinfo(int fd) {
            byte[] text = kernel.fdinfo(fd);
            open.get(fd).put("fdinfo", text);
            return text;
        }

        @Override
        public byte[] pointed(int fd, Field pointer, Field length, int size) {
            byte[] bytes = kernel.pointed(fd, pointer, length, size);
            open.get(fd).put("pointed:" + pointer.name(), bytes);
            return bytes;
        }

        @Override
        public int fd(int handle) {
            return kernel.fd(handle);
        }

        @Override
        public void close(int fd) {
            open.remove(fd);
            kernel.close(fd);
        }

        @Override
        public void close() {
            kernel.close();
        }
    }

    /** Handles are indexes into the objects opened so far. */
    private final class Replayer implements ObjectSource.Reader {
        private final List<Map<String, byte[]>> opened = new ArrayList<>();

        private Map<Integer, Map<String, byte[]>> of(ObjectKind<?> kind) {
            return objects.getOrDefault(kind.toString(), Map.of());
        }

        @Override
        public int nextId(ObjectKind<?> kind, int after) {
            return of(kind).keySet().stream().filter(id -> Integer.compareUnsigned(id, after) > 0)
                    .min(Integer::compareUnsigned).orElse(0);
        }

        @Override
        public int open(ObjectKind<?> kind, int id) {
            Map<String, byte[]> answers = of(kind).get(id);
            if (answers == null) {
                throw new BpfException("BPF_*_GET_FD_BY_ID", Errno.ENOENT);
            }
            opened.add(answers);
            return opened.size() - 1;
        }

        @Override
        public int info(ObjectKind<?> kind, int handle, NativeBuffer info, NativeBuffer side) {
            byte[] recorded = opened.get(handle).get("info");
            byte[] sideBytes = opened.get(handle).getOrDefault("side", new byte[0]);
            info.clear().view().put(0, recorded, 0, Math.min(recorded.length, info.size()));
            side.clear().view().put(0, sideBytes, 0, Math.min(sideBytes.length, side.size()));
            return recorded.length;
        }

        @Override
        public byte[] fdinfo(int handle) {
            return opened.get(handle).getOrDefault("fdinfo", new byte[0]);
        }

        @Override
        public byte[] pointed(int handle, Field pointer, Field length, int size) {
            return java.util.Arrays.copyOf(opened.get(handle).getOrDefault("pointed:" + pointer.name(), new byte[0]), size);
        }

        @Override
        public int fd(int handle) {
            throw new UnsupportedOperationException("a recording holds no kernel fds (entry counting needs a kernel)");
        }

        @Override
        public void close(int handle) {
            // nothing is open
        }
    }
}
