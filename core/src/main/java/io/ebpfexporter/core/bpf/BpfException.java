package io.ebpfexporter.core.bpf;

/** A bpf() (or related) syscall failed; the message names the command and the errno. */
public final class BpfException extends RuntimeException {
    private final String command;
    private final int errno;

    public BpfException(String command, int errno) {
        super(command + " failed: " + Errno.name(errno), null, false, false);
        this.command = command;
        this.errno = errno;
    }

    public String command() {
        return command;
    }

    public int errno() {
        return errno;
    }
}
