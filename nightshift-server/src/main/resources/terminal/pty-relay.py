# Runs a login shell on a pseudo-terminal inside the sandbox and relays it: the shell's output goes
# to stdout as it comes; stdin carries frames from the control plane, each a kind byte, a 4-byte
# big-endian length and the payload: b'd' bytes typed, b'r' a new size (2-byte columns, 2-byte rows).
# End of stdin hangs the shell up. Exits with the shell's status.
import fcntl, os, select, signal, struct, sys, termios

MAX_FRAME = 1 << 20
MAX_PENDING = 4 << 20


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


cols, rows = int(sys.argv[1]), int(sys.argv[2])
master, slave = os.openpty()
set_size(slave, cols, rows)  # before the shell starts, so it never sees another size
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    os.execvp('bash', ['bash', '-l'])
os.close(slave)

os.set_blocking(master, False)
frames = b''
pending = b''
reading = True


def hang_up():
    try:
        os.killpg(pid, signal.SIGHUP)
    except OSError:
        pass


def write_out(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]


while True:
    wanted = [master] + ([0] if reading else [])
    ready, writable, _ = select.select(wanted, [master] if pending else [], [])
    if master in writable:
        try:
            pending = pending[os.write(master, pending):]
        except BlockingIOError:
            pass
        except OSError:
            break
    if master in ready:
        try:
            data = os.read(master, 65536)
        except BlockingIOError:
            data = None
        except OSError:  # EIO: the shell and everything on its terminal are gone
            break
        if data == b'':
            break
        if data:
            write_out(data)
    if reading and 0 in ready:
        chunk = os.read(0, 65536)
        if not chunk:
            reading = False
            hang_up()
            break
        frames += chunk
        while len(frames) >= 5:
            kind, length = frames[0], struct.unpack('>I', frames[1:5])[0]
            if length > MAX_FRAME:
                sys.stderr.write('nightshift terminal: a frame of %d bytes is too large\n' % length)
                hang_up()
                sys.exit(2)
            if len(frames) < 5 + length:
                break
            payload, frames = frames[5:5 + length], frames[5 + length:]
            if kind == ord('d'):
                if len(pending) + len(payload) <= MAX_PENDING:
                    pending += payload
            elif kind == ord('r') and length == 4:
                c, r = struct.unpack('>HH', payload)
                set_size(master, c, r)

try:
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xff if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
except ChildProcessError:
    sys.exit(0)
