"""The command line's commands, one module each: `register(commands)` adds its parser, `run(options)` runs it."""
