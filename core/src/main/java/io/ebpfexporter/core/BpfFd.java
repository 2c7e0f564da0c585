package io.ebpfexporter.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file descriptor that refers to a BPF object, recognised as the kernel names its anonymous inode
 * ({@code /proc/<pid>/fd/<n>} links to {@code anon_inode:bpf-map} and the like) and identified by the id
 * its fdinfo reports. Works on every kernel the exporter supports and for any process root may read.
 */
public record BpfFd(Kind kind, int id) {
    /** The four kinds of BPF object, with their inode names and fdinfo id keys. */
    public enum Kind {
        PROGRAM("anon_inode:bpf-prog", "prog_id"),
        MAP("anon_inode:bpf-map", "map_id"),
        LINK("anon_inode:bpf_link", "link_id"),
        BTF("anon_inode:btf", "btf_id");

        private final String inode;
        private final String idKey;

        Kind(String inode, String idKey) {
            this.inode = inode;
            this.idKey = idKey;
        }

        static Optional<Kind> ofLink(String target) {
            for (Kind kind : values()) {
                if (target.equals(kind.inode)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /** The BPF object behind {@code fd} (a /proc fd link) with its {@code fdinfo}; empty for any other file or one gone. */
    static Optional<BpfFd> read(Path fd, Path fdinfo) {
        try {
            Optional<Kind> kind = Kind.ofLink(Files.readSymbolicLink(fd).toString());
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            long id = new FdInfo(Files.readAllBytes(fdinfo)).number(kind.get().idKey);
            return id > 0 ? Optional.of(new BpfFd(kind.get(), (int) id)) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // closed meanwhile, or a process that went away
        }
    }
}
