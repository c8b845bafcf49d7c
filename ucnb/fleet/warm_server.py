"""Imported by the local pool's fork server (`set_forkserver_preload`): the process every local
worker is forked from imports and warms up once (`ucnb.fleet.warm.up`), so a worker, new or
replaced after a timeout, starts warm in milliseconds instead of about a second of CPU."""

from ucnb.fleet import warm

warm.up()
