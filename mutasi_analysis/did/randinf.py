"""Work in progress: replaced by the implementation."""


def randomization_inference(*args, **kwargs):
    raise NotImplementedError("randomization_inference is not implemented yet")
