package io.ebpfexporter.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fresh bpffs mount holding a map pinned under each awkward class of name, once at its top and once
 * inside a directory of that name, and one below a chain of 255-byte directories whose path is longer
 * than PATH_MAX; made by bytes through directory fds, as nothing else can name them. Closing it
 * unmounts the bpffs, which takes every pin and directory with it, and frees the maps.
 */
public final class AwkwardPins implements AutoCloseable {
    /** The longest name a directory entry takes. */
    public static final int NAME_MAX = 255;
    private static final int PATH_MAX = 4096;
    /** Directories in the long chain: with a 255-byte pin at the end, its path passes PATH_MAX. */
    private static final int CHAIN = 15;

    /** A name's bytes and the label value the documented encoding (docs/metrics.md) gives it. */
    public record Name(byte[] bytes, String label) {
        static Name valid(String name, String label) {
            return new Name(name.getBytes(StandardCharsets.UTF_8), label);
        }
    }

    /** Each awkward class: quote, backslash, newline, tab, spaces, valid non-ASCII, invalid UTF-8, 255 bytes. */
    public static final List<Name> NAMES = List.of(
            Name.valid("quote\"d", "quote\"d"),
            Name.valid("back\\slash", "back\\\\slash"),
            Name.valid("new\nline", "new\nline"),
            Name.valid("tab\tbed", "tab\tbed"),
            Name.valid(" spaced  name ", " spaced  name "),
            Name.valid("café", "café"),
            new Name(new byte[] {'i', 'n', 'v', (byte) 0xff, 'a', 'l', 'i', 'd'}, "inv\\xffalid"),
            Name.valid("\\xff", "\\\\xff"), // spells what the byte 0xff is written as: a name of its own
            Name.valid("é".repeat(127) + "x", "é".repeat(127) + "x"));

    private final Path mount;
    private final Fixtures fx = new Fixtures();
    private final Map<Integer, String> paths = new LinkedHashMap<>();

    public AwkwardPins() throws Exception {
        mount = Files.createTempDirectory("bpffs");
        HostSetup.run("mount", "-t", "bpf", "bpf", mount.toString());
        try {
            int top = fx.adopt(Libc.openOrFail(mount.toString(), Libc.O_RDONLY | Libc.O_DIRECTORY));
            int dirs = fx.adopt(Libc.mkdirAndOpen(top, ascii("dirs")));
            for (Name name : NAMES) {
                pin(top, name.bytes(), mount + "/" + name.label());
                int dir = fx.adopt(Libc.mkdirAndOpen(dirs, name.bytes()));
                pin(dir, ascii("pin"), mount + "/dirs/" + name.label() + "/pin");
            }
            int dir = top;
            StringBuilder label = new StringBuilder(mount.toString());
            for (int i = 0; i < CHAIN; i++) {
                String link = ("chain" + i + "-").repeat(NAME_MAX).substring(0, NAME_MAX);
                dir = fx.adopt(Libc.mkdirAndOpen(dir, ascii(link)));
                label.append('/').append(link);
            }
            String pin = "p".repeat(NAME_MAX);
            pin(dir, ascii(pin), label + "/" + pin);
            if (label.length() + 1 + NAME_MAX <= PATH_MAX) {
                throw new IllegalStateException("the chain under " + mount + " is not past PATH_MAX");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Pins a new map at {@code name} in directory {@code dirFd}, through the fd: the path may pass PATH_MAX. */
    private void pin(int dirFd, byte[] name, String label) {
        var map = fx.map(Fixtures.MAP_HASH, 4, 8, 1, 0, "awkward_pin");
        ByteArrayOutputStream path = new ByteArrayOutputStream();
        path.writeBytes(ascii("/proc/self/fd/" + dirFd + "/"));
        path.writeBytes(name);
        fx.pin(map, path.toByteArray());
        paths.put(map.id(), label);
    }

    /** Map id → the label value of the one path it is pinned at, in the order made. */
    public Map<Integer, String> paths() {
        return paths;
    }

    @Override
    public void close() {
        fx.close();
        HostSetup.run("umount", mount.toString());
        try {
            Files.delete(mount);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot remove " + mount, e);
        }
    }
}
