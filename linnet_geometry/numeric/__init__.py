"""Floating-point support shared by the layers above: conversion and long runs.

* :mod:`.progress` — progress bars (tqdm) and task maps over an executor,
  used by every long survey, sweep and Monte Carlo run.

Exact-to-float conversion lives in :func:`linnet_geometry.exact.matrix.to_float`.
"""
