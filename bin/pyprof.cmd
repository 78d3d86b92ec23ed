@echo off
rem `pyprof` for a clone of this repository on Windows (see bin/pyprof): after
rem `npm run setup`, put this folder on the PATH.
node "%~dp0pyprof" %*
