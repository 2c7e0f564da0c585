package io.ebpfexporter.testkit;

import io.ebpfexporter.core.sys.Architecture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding BPF objects, for owner tests (the test's own process is the exporter, whose fds
 * are never owners): python3 makes an array map, a raw_tracepoint program and its link through bpf(2),
 * opens {@code fds} more fds of /dev/null (its soft fd limit raised for them), names itself
 * {@code tn_holder} (or the comm given, bytes), then forks an heir ({@code tn_heir}) that inherits only
 * the map, and says it is ready once the heir has its name and closed the rest. Both live until
 * {@link #close()}; {@link #endHeir()} ends the heir alone.
 */
public final class HolderProcess implements AutoCloseable {
    private static final String SCRIPT = """
            import ctypes, os, resource, struct, sys, signal
            libc = ctypes.CDLL(None, use_errno=True)
            def bpf(cmd, attr):
                buf = ctypes.create_string_buffer(attr, 128)
                r = libc.syscall(int(sys.argv[4]), cmd, buf, 128)
                if r < 0:
                    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
                return r, buf
            def obj_id(fd):
                info = ctypes.create_string_buffer(64)
                bpf(15, struct.pack("IIQ", fd, 64, ctypes.addressof(info)))
                return struct.unpack_from("I", info.raw, 4)[0]
            def name(comm):
                libc.prctl(15, ctypes.c_char_p(comm), 0, 0, 0)
            m, _ = bpf(0, struct.pack("IIII", 2, 4, 8, 4))
            code = bytes.fromhex(sys.argv[2])
            insns = ctypes.create_string_buffer(code)
            lic = ctypes.create_string_buffer(b"GPL")
            p, _ = bpf(5, struct.pack("IIQQ", 17, len(code) // 8, ctypes.addressof(insns), ctypes.addressof(lic)))
            tp = ctypes.create_string_buffer(b"sched_process_exec")
            l, _ = bpf(17, struct.pack("QI", ctypes.addressof(tp), p))
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            want = int(sys.argv[1]) + 64
            resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
            limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            extra = [os.open("/dev/null", os.O_RDONLY) for _ in range(min(int(sys.argv[1]), limit - 64))]
            name(bytes.fromhex(sys.argv[3]))
            settled_r, settled_w = os.pipe()  # the heir says when it has its name and only the map
            heir = os.fork()
            if heir == 0:
                name(b"tn_heir")
                os.close(p); os.close(l); os.close(settled_r)
                os.write(settled_w, b"."); os.close(settled_w)
                signal.pause()
            os.close(settled_w)
            os.read(settled_r, 1); os.close(settled_r)
            print("ready", os.getpid(), heir, obj_id(m), obj_id(p), obj_id(l), len(extra), flush=True)
            sys.stdin.read()
            os.kill(heir, signal.SIGKILL)
            """;

    private final Process process;
    private final int pid;
    private final int heirPid;
    private final int mapId;
    private final int progId;
    private final int linkId;
    private final int extraFds;

    public HolderProcess(int fds) throws IOException {
        this(fds, "tn_holder".getBytes(StandardCharsets.US_ASCII));
    }

    /** As {@link #HolderProcess(int)}, the holder named {@code comm} (at most 15 bytes, no NUL). */
    public HolderProcess(int fds, byte[] comm) throws IOException {
        Path script = Files.createTempFile("holder", ".py");
        Files.writeString(script, SCRIPT);
        process = new ProcessBuilder(Kernel.requireTool("python3"), script.toString(), Integer.toString(fds),
                HexFormat.of().formatHex(Fixtures.returning(0)), HexFormat.of().formatHex(comm),
                Long.toString(Architecture.CURRENT.bpf)) // __NR_bpf of this machine
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Files.delete(script);
        if (line == null || !line.startsWith("ready ")) {
            StringBuilder rest = new StringBuilder();
            out.lines().forEach(l -> rest.append('\n').append(l)); // the traceback, once python has ended
            process.destroyForcibly();
            throw new IllegalStateException("the holder did not start: " + line + rest);
        }
        String[] f = line.split(" ");
        pid = Integer.parseInt(f[1]);
        heirPid = Integer.parseInt(f[2]);
        mapId = Integer.parseInt(f[3]);
        progId = Integer.parseInt(f[4]);
        linkId = Integer.parseInt(f[5]);
        this.extraFds = Integer.parseInt(f[6]);
    }

    /** The /dev/null fds it opened: as many as asked, or fewer under a lower RLIMIT_NOFILE hard limit. */
    public int extraFds() {
        return extraFds;
    }

    public int pid() {
        return pid;
    }

    public int heirPid() {
        return heirPid;
    }

    public int mapId() {
        return mapId;
    }

    public int progId() {
        return progId;
    }

    public int linkId() {
        return linkId;
    }

    /** Ends the heir and waits until it is gone from /proc. */
    public void endHeir() throws InterruptedException {
        ProcessHandle.of(heirPid).ifPresent(ProcessHandle::destroyForcibly);
        for (int i = 0; i < 500 && holdsFiles(heirPid); i++) {
            Thread.sleep(10); // a killed heir stays a zombie (nobody reaps it), but without files
        }
    }

    private static boolean holdsFiles(int pid) {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.findAny().isPresent();
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        ProcessHandle.of(heirPid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
