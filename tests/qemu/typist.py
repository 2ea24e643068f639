#!/usr/bin/env python3
"""typist: types a console session into a program as a person would, waiting for the shell's
prompt before each line, and for given output before keys such as ^C and ^Z.

    typist.py --script FILE... [--log FILE] [--timeout S] [--prompt REGEX] --pty -- CMD [ARGS...]
    typist.py --script FILE... [--log FILE] [--timeout S] [--prompt REGEX] -- CMD [ARGS...]

With --pty, CMD runs in a new pseudo-terminal of 80x24 (a session leader with it as its
controlling terminal): the host's reference for the shell's job control. Without, CMD's
standard input and output are pipes: QEMU with its serial port on stdio (tests/qemu/run.sh
--script). Several --script files are typed one after the other.

The script, one item per line ('#' comments and blank lines are skipped):
    TEXT            wait for the prompt, then type TEXT and Enter (TEXT as it is)
    @line TEXT      the same, TEXT with escapes (\\xNN \\e \\t \\r \\n \\\\)
    @send TEXT      type TEXT (with escapes) at once, without Enter or waiting
    @expect REGEX   wait until REGEX matches the output that came after the last match
    @prompt         wait for the prompt without typing
    @until REGEX    press Enter at each prompt until REGEX has appeared (for a notice the shell
                    prints before some later prompt, such as a background job's "Done")
    @foreground     (--pty only) wait until a job, not the shell, is the terminal's foreground
                    process group: the job has been started (its processes have exec'd)

Waiting is the only synchronisation: each wait gives up after --timeout seconds (a failure, not
a timing assertion). Everything the program prints goes to --log if given. The exit status is
the program's own once the script is done and the program has ended (it is waited for as long as
--timeout allows, then killed), or 3 if a wait failed; a failure prints "FAIL typist: ..." with
the script line and the output that arrived since the last match.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "x" and i + 3 < len(text) and re.match(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            simple = {"e": 27, "t": 9, "r": 13, "n": 10, "\\": 92}
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
        out += c.encode()
        i += 1
    return bytes(out)


class Session:
    def __init__(self, args):
        self.timeout = args.timeout
        self.prompt = re.compile(args.prompt)
        self.log = open(args.log, "ab") if args.log else None
        self.status = None
        self.out = ""  # everything received, decoded 1:1 (latin-1)
        self.pos = 0  # matches are looked for from here
        self.eof = False
        if args.pty:
            import pty
            pid, fd = pty.fork()
            if pid == 0:
                try:
                    os.execvp(args.cmd[0], args.cmd)
                finally:
                    os._exit(127)
            import fcntl
            import struct
            import termios
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            self.pid, self.rfd, self.wfd, self.proc = pid, fd, fd, None
        else:
            self.proc = subprocess.Popen(args.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self.pid = self.proc.pid
            self.rfd = self.proc.stdout.fileno()
            self.wfd = self.proc.stdin.fileno()

    def pump(self, deadline):
        """Reads what is there (waiting until deadline for something). False at end of output."""
        if self.eof:
            return False
        r, _, _ = select.select([self.rfd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            return True
        try:
            data = os.read(self.rfd, 65536)
        except OSError:  # a pty's master reads EIO once the last slave is closed
            data = b""
        if not data:
            self.eof = True
            return False
        if self.log:
            self.log.write(data)
            self.log.flush()
        self.out += data.decode("latin-1")
        return True

    def wait_for(self, regex):
        deadline = time.monotonic() + self.timeout
        while True:
            m = regex.search(self.out[self.pos:])
            if m:
                self.pos += m.end()
                return True
            if time.monotonic() >= deadline or not self.pump(deadline):
                return False

    def type(self, data):
        while data:
            n = os.write(self.wfd, data)
            data = data[n:]

    def finish(self):
        """Waits for the program to end; returns its exit status."""
        deadline = time.monotonic() + self.timeout
        while self.pump(deadline) and time.monotonic() < deadline:
            pass
        while time.monotonic() < deadline:
            st = self.poll()
            if st is not None:
                return st
            time.sleep(0.05)
        self.kill()
        return 124

    def until(self, regex):
        """Presses Enter at each prompt until regex appears."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            m = regex.search(self.out[self.pos:])
            if m:
                self.pos += m.end()
                return True
            p = self.prompt.search(self.out[self.pos:])
            if p:
                self.pos += p.end()
                self.type(b"\r")
            elif not self.pump(min(deadline, time.monotonic() + 0.2)):
                return False
        return False

    def foreground(self, _regex):
        """Waits until the terminal's foreground group is not the shell's (pty only)."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc is None and os.tcgetpgrp(self.rfd) not in (self.pid, -1):
                return True
            self.pump(min(deadline, time.monotonic() + 0.01))
        return False

    def poll(self):
        if self.status is None:
            if self.proc:
                self.status = self.proc.poll()
            else:
                pid, ws = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.status = os.waitstatus_to_exitcode(ws)
        return self.status

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True, action="append")
    ap.add_argument("--log")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--prompt", default=r"(?:^|\n)\$ ")
    ap.add_argument("--pty", action="store_true")
    ap.add_argument("cmd", nargs="+")
    args = ap.parse_args()

    s = Session(args)
    try:
        items = []
        for path in args.script:
            with open(path, encoding="utf-8") as f:
                items += [(path, num, raw.rstrip("\r"))
                          for num, raw in enumerate(f.read().split("\n"), 1)]
        for path, num, line in items:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            what, data, regex, wait = "prompt", None, s.prompt, s.wait_for
            if line.startswith("@send "):
                what, data, regex = None, unescape(line[6:]), None
            elif line.startswith("@expect "):
                what, regex = "/%s/" % line[8:], re.compile(line[8:])
            elif line.startswith("@until "):
                what, regex, wait = "/%s/" % line[7:], re.compile(line[7:]), s.until
            elif line == "@prompt":
                pass
            elif line == "@foreground":
                what, regex, wait = "a job in the foreground", re.compile(""), s.foreground
            elif line.startswith("@line "):
                data = unescape(line[6:]) + b"\r"
            elif line.startswith("@"):
                print("FAIL typist: %s:%d: unknown directive %r" % (path, num, line),
                      file=sys.stderr)
                return 3
            else:
                data = line.encode() + b"\r"
            if regex is not None and not wait(regex):
                tail = s.out[s.pos:][-600:]
                print("FAIL typist: %s:%d (%s): waited %gs for %s; output since the last match: %r"
                      % (path, num, line, args.timeout, what, tail), file=sys.stderr)
                s.kill()
                return 3
            if data is not None:
                s.type(data)
        return s.finish()
    finally:
        if s.poll() is None:
            s.kill()


if __name__ == "__main__":
    sys.exit(main())
