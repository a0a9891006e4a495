# Loaded automatically by Python when this directory is on PYTHONPATH (the app test puts it there).
import loopback_only

loopback_only.install()
