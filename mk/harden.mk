# harden: fuzz harnesses, crash-safety, lock and terminal-safety tests
