import cProfile, os, time
_pr = cProfile.Profile()
_t = time.perf_counter()
_pr.enable()
exec(compile(open(os.path.join(os.path.dirname(__file__), "dashboard.py")).read(), "dashboard.py", "exec"))
_pr.disable()
_pr.dump_stats(os.environ["PROF_OUT"])
print("script run", round(time.perf_counter() - _t, 2), "s")
