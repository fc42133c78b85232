#!/usr/bin/env python3
"""The peer of scripts/bench: gcal-sync (the Google sync library Home Assistant uses)
syncing one Google calendar from calsync-emulator into its own store.

    peer.py --api-url http://127.0.0.1:PORT/calendar/v3 --access-token T --calendar ID \
            --store FILE [--page-size 2500]

gcal-sync's CalendarEventSyncManager keeps the events of a calendar in a CalendarStore (a
dict it saves after the sync); Home Assistant saves it as a JSON file, and so does this
script. Runs in the venv scripts/bench makes (.build-bench-venv/); prints one JSON line:
{"events": N, "pages": P}.
"""

import argparse
import asyncio
import json
import os

import aiohttp
from gcal_sync.api import GoogleCalendarService, SyncEventsRequest
from gcal_sync.auth import AbstractAuth
from gcal_sync.store import CalendarStore
from gcal_sync.sync import CalendarEventSyncManager


class EmulatorAuth(AbstractAuth):
    def __init__(self, session, host, token):
        super().__init__(session, host=host)
        self._token = token

    async def async_get_access_token(self) -> str:
        return self._token


class JSONFileStore(CalendarStore):
    """What Home Assistant does with gcal-sync's store: one JSON document on disk."""

    def __init__(self, path):
        self._path = path
        self._data = None

    async def async_load(self):
        if self._data is None and os.path.exists(self._path):
            with open(self._path) as file:
                self._data = json.load(file)
        return self._data

    async def async_save(self, data):
        self._data = data
        temporary = self._path + ".tmp"
        with open(temporary, "w") as file:
            json.dump(data, file)
        os.replace(temporary, self._path)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--access-token", required=True)
    parser.add_argument("--calendar", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--page-size", type=int, default=2500)
    options = parser.parse_args()
    token = options.access_token
    store = JSONFileStore(options.store)
    async with aiohttp.ClientSession() as session:
        service = GoogleCalendarService(EmulatorAuth(session, options.api_url, token))
        request = SyncEventsRequest(calendar_id=options.calendar, max_results=options.page_size)
        manager = CalendarEventSyncManager(service, store=store, request_template=request)
        await manager.run()
    data = await store.async_load() or {}
    events = 0
    for calendar in data.get("event_sync", {}).values():
        events += len(calendar.get("items", {}))
    print(json.dumps({"events": events}))


if __name__ == "__main__":
    asyncio.run(main())
