"""sitegen: a static site generator for news digests."""
__version__ = "0.1.0"

__all__ = ["build", "BuildOptions", "BuildResult", "__version__"]


def __getattr__(name):
    # Lazy so that `import sitegen.slugs` does not pull in the whole build pipeline.
    if name in ("build", "BuildOptions", "BuildResult"):
        from sitegen import build as build_module

        return getattr(build_module, name)
    raise AttributeError(name)
