"""Work in progress: replaced by the implementation."""


def sun_abraham(*args, **kwargs):
    raise NotImplementedError("sun_abraham is not implemented yet")
