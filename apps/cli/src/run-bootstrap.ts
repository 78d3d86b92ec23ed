/**
 * The Python side of `pyprof run`: a small program passed to the user's interpreter with
 * `-c`, as `python [options] -c BOOTSTRAP <dump> <script|module|code> <target> <args…>`.
 * It profiles the program with cProfile exactly as `python -m cProfile -o <dump>` does —
 * the same code object run through `Profile.runctx`, so the dump holds the same functions
 * and call counts — but without cProfile's command line and its flaws:
 *
 * - `SystemExit` is not swallowed: the dump is written, then the exit is raised again, so
 *   `sys.exit(3)` (or a message) ends the interpreter as it would have without profiling.
 * - Any other exception is written as Python writes it (through `sys.excepthook`, so a
 *   program's own hook is used) without the bootstrap's frames, then the interpreter
 *   exits with status 1; an interrupt exits with 130 on Python 3.8+ (the shell's view
 *   of Python's own exit by SIGINT), 1 before.
 * - A script runs in the real `__main__` module (cProfile uses a separate dictionary, so
 *   a script's classes cannot be pickled), with `sys.argv` and `sys.path[0]` as
 *   `python script.py` sets them; `-c` works (cProfile has no `-c`); `-m` runs
 *   `runpy.run_module` as cProfile does.
 * - Standard input, output and error are the program's, untouched.
 *
 * The code runs on Python 2.7 and 3.x alike (no f-strings, no `raise … from`, no
 * keyword-only arguments); everything it uses is imported inside the function, because
 * the function clears `__main__`'s dictionary — its own globals — for the program.
 */
export const RUN_BOOTSTRAP = `
def _pyprof_run():
    import os
    import sys
    try:
        import cProfile as profiler
    except ImportError:
        import profile as profiler
    dump, mode, target = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    main = sys.modules['__main__']
    namespace = main.__dict__
    if mode == 'module':
        import runpy
        sys.argv[:] = [target] + args
        # As \`python -m\` (and cProfile run by it) has it from 3.7 on: the working folder
        # spelled out (2.7 and 3.6 keep ''), so module files get the same names.
        if sys.version_info >= (3, 7) and sys.path and sys.path[0] == '':
            sys.path[0] = os.getcwd()
        code = "run_module(modname, run_name='__main__')"
        namespace = {'run_module': runpy.run_module, 'modname': target}
    else:
        if mode == 'script':
            sys.argv[:] = [target] + args
            if sys.path and sys.path[0] == '':
                sys.path[0] = os.path.dirname(os.path.realpath(target))
            try:
                with open(target, 'rb') as source:
                    text = source.read()
            except (IOError, OSError):
                error = sys.exc_info()[1]
                sys.stderr.write("%s: can't open file %r: [Errno %s] %s\\n"
                                 % (sys.executable, target, error.errno, error.strerror))
                sys.exit(2)
            code = compile(text, target, 'exec')
        else:
            sys.argv[:] = ['-c'] + args
            code = compile(target, '<string>', 'exec')
        keep = namespace.get('__builtins__')
        namespace.clear()
        namespace.update({'__name__': '__main__', '__doc__': None, '__package__': None,
                          '__builtins__': keep, '__spec__': None})
        if mode == 'script':
            namespace['__file__'] = target
            namespace['__cached__'] = None
    prof = profiler.Profile()
    ended = None
    failed = None
    try:
        try:
            prof.runctx(code, namespace, None)
        except SystemExit:
            ended = sys.exc_info()[1]
        except BaseException:
            failed = sys.exc_info()
    finally:
        prof.dump_stats(dump)
    if ended is not None:
        raise ended
    if failed is not None:
        kind, value, trace = failed
        # The frames up to the profiler's runctx are the bootstrap's.
        here = os.path.normcase(os.path.splitext(profiler.__file__)[0])
        frame = trace
        while frame is not None and os.path.normcase(
                os.path.splitext(frame.tb_frame.f_code.co_filename)[0]) != here:
            frame = frame.tb_next
        if frame is not None and frame.tb_next is not None:
            trace = frame.tb_next
            if hasattr(value, 'with_traceback'):
                value = value.with_traceback(trace)
        sys.excepthook(kind, value, trace)
        interrupted = issubclass(kind, KeyboardInterrupt) and sys.version_info >= (3, 8)
        sys.exit(130 if interrupted else 1)

_pyprof_run()
`;
