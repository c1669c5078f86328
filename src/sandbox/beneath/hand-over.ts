/**
 * Every file and folder lemming's file tools create in a workspace passes through here once,
 * while it is held open, so that commands can go on changing it. Today a command's user is mapped
 * to the user lemming runs as, who owns what lemming makes: nothing to do. When lemming runs as
 * root and commands as an unprivileged host identity (the sandbox's identity, src/sandbox/), this is
 * the one line that gives each new file and folder to that identity (fchown on the descriptor,
 * which follows no name and so cannot be raced).
 */
export function handOver(fd: number): void {
  void fd;
}
