"""Videos from Google Drive folders, one folder per hashtag, read by a service account.

The folders file is JSON mapping a hashtag to a folder id or folder URL::

    {"foodie": "1AbCdEfGhIjKlMnOp", "#DanceChallenge": "https://drive.google.com/drive/folders/1XyZ"}

Share each folder with the service account's e-mail address (Viewer is enough).
"""
from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import utils
from utils import Progress

from .video import (
    Video,
    VideoSourceError,
    check_fetch_args,
    file_stem,
    is_tag_text,
    probe_download,
    stable_id,
    tag_key,
)

FOLDERS_SETTING = "TRENDTOK_DRIVE_FOLDERS"
CREDENTIALS_SETTING = "GOOGLE_SERVICE_ACCOUNT_FILE"
SCOPES = ("https://www.googleapis.com/auth/drive.readonly",)
LIST_FIELDS = "nextPageToken, files(id, name, mimeType, description, size, videoMediaMetadata, webViewLink)"

# Drive ids are URL-safe base64-ish; anything else could break out of the quoted query.
_DRIVE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")
_FOLDER_URL = re.compile(r"https://drive\.google\.com/(?:drive/(?:u/\d+/)?folders/|open\?id=)([A-Za-z0-9_-]+)")
# Download names come from the MIME type, never from the remote file name.
_SUFFIXES = {
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "video/x-m4v": ".m4v",
    "video/3gpp": ".3gp",
    "video/x-msvideo": ".avi",
    "video/mpeg": ".mpg",
}


class _TooLarge(Exception):
    pass


def _read_folders(folders_file: str | os.PathLike | None) -> dict[str, tuple[str, str]]:
    """``{tag key: (tag as written, folder id)}`` from the JSON folders file."""
    if folders_file is None or str(folders_file).strip() == "":
        raise VideoSourceError(None, f"drive folders file not set: {FOLDERS_SETTING} must name a JSON file")
    path = Path(folders_file).expanduser()
    if not path.is_file():
        raise VideoSourceError(None, f"drive folders file not found: {FOLDERS_SETTING}={path}")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VideoSourceError(
            None, f"drive folders file is not readable JSON: {FOLDERS_SETTING}={path}: {exc}") from None
    if not isinstance(data, dict):
        raise VideoSourceError(
            None, f"drive folders file must hold a JSON object of hashtag → folder id: {FOLDERS_SETTING}={path}")
    folders: dict[str, tuple[str, str]] = {}
    for raw_tag, raw_folder in data.items():
        shown = raw_tag.strip().lstrip("#")
        if not is_tag_text(shown):
            raise VideoSourceError(None, f"drive folders file {FOLDERS_SETTING}={path}: {raw_tag!r} is not a hashtag")
        folder = raw_folder.strip() if isinstance(raw_folder, str) else ""
        match = _FOLDER_URL.match(folder)
        folder = match.group(1) if match else folder
        if not _DRIVE_ID.fullmatch(folder):
            raise VideoSourceError(
                None, f"drive folders file {FOLDERS_SETTING}={path}: the folder of {raw_tag!r} must be a Drive folder id "
                      f"or folder URL, got {raw_folder!r}"
            )
        folders[tag_key(shown)] = (shown, folder)
    return folders


def _load_credentials(credentials_file: str | os.PathLike):
    from google.oauth2 import service_account

    path = Path(credentials_file).expanduser()
    if not path.is_file():
        raise VideoSourceError(None, f"drive credentials file not found: {CREDENTIALS_SETTING}={path}")
    try:
        return service_account.Credentials.from_service_account_file(str(path), scopes=list(SCOPES))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VideoSourceError(
            None, f"drive credentials file is not a service-account JSON key: {CREDENTIALS_SETTING}={path} ({exc})"
        ) from None


def _whole(setting: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise VideoSourceError(None, f"drive setting {setting} must be a whole number >= {minimum}, got {value!r}")
    return value


class DriveSource:
    """Answers a hashtag with the newest videos of the Drive folder configured for it.

    ``http`` (an ``httplib2.Http``-like object) replaces the network: tests pass
    ``googleapiclient.http.HttpMockSequence``. With ``credentials_file`` too, requests
    through ``http`` are signed with the service account. ``retries`` bounds the
    retries of a 429/5xx answer or a dropped connection (with backoff), per request;
    ``max_bytes`` skips larger files. Requests are serialised: httplib2 is not thread-safe.
    """

    name = "drive"

    def __init__(
        self,
        *,
        folders_file: str | os.PathLike | None = None,
        credentials_file: str | os.PathLike | None = None,
        http: Any = None,
        retries: int = 2,
        page_size: int = 50,
        max_bytes: int = 500 * 1024 * 1024,
        chunk_bytes: int = 8 * 1024 * 1024,
    ):
        self._folders = _read_folders(folders_file)
        self.retries = _whole("retries", retries, 0)
        self.page_size = min(_whole("page_size", page_size, 1), 1000)
        self.max_bytes = _whole("max_bytes", max_bytes, 1)
        self.chunk_bytes = _whole("chunk_bytes", chunk_bytes, 1)
        credentials = _load_credentials(credentials_file) if credentials_file else None
        if credentials is None and http is None:
            raise VideoSourceError(
                None, f"drive credentials not set: {CREDENTIALS_SETTING} must name a service-account JSON key"
            )
        if credentials is not None and http is not None:
            import google_auth_httplib2

            http, credentials = google_auth_httplib2.AuthorizedHttp(credentials, http=http), None

        from googleapiclient.discovery import build

        # static_discovery reads the drive v3 document shipped inside the client: no network.
        self._service = build("drive", "v3", credentials=credentials, http=http,
                              static_discovery=True, cache_discovery=False)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DriveSource(tags={self.available_tags()!r})"

    def available_tags(self) -> list[str]:
        """The hashtags of the folders file, as written there (without ``#``)."""
        return [shown for shown, _ in self._folders.values()]

    def fetch(
        self,
        tag: str,
        *,
        limit: int = 3,
        dest: str | os.PathLike | None = None,
        progress: Progress | None = None,
    ) -> tuple[list[Video], list[str]]:
        """Download up to ``limit`` videos of ``tag``'s folder into ``dest``, newest first.

        Returns ``(videos, warnings)``. A missing folder, an HTTP error or a failed
        download becomes a warning; the videos that did download are kept.
        """
        tag, limit, dest = check_fetch_args(tag, limit, dest, needs_dest=True)
        entry = self._folders.get(tag_key(tag))
        if entry is None:
            return [], [f"#{tag}: no Google Drive folder is configured for this hashtag in {FOLDERS_SETTING}"]
        folder = entry[1]
        if limit == 0:
            return [], []
        videos: list[Video] = []
        warnings: list[str] = []
        page_token: str | None = None
        with self._lock:
            while len(videos) < limit:
                page = self._list_page(tag, folder, page_token, warnings)
                if page is None:
                    break
                for item in page.get("files") or []:
                    if len(videos) >= limit:
                        break
                    video = self._download(item, tag, dest, warnings) if isinstance(item, dict) else None
                    if video is not None:
                        videos.append(video)
                        if progress is not None:
                            progress(len(videos), limit)
                page_token = page.get("nextPageToken")
                if not isinstance(page_token, str) or not page_token:
                    break
        if not videos and not warnings:
            warnings.append(f"#{tag}: the Google Drive folder {folder} holds no videos")
        if progress is not None and len(videos) < limit:
            progress(limit, limit)  # fewer found than asked for: the work is still finished
        return videos, warnings

    def _list_page(self, tag: str, folder: str, page_token: str | None, warnings: list[str]) -> dict | None:
        import httplib2
        from googleapiclient.errors import HttpError

        request = self._service.files().list(
            q=f"'{folder}' in parents and mimeType contains 'video/' and trashed = false",
            fields=LIST_FIELDS,
            pageSize=self.page_size,
            pageToken=page_token,
            orderBy="modifiedTime desc",
            supportsAllDrives=True,
            includeItemsFromAllDrives=True,
        )
        try:
            page = request.execute(num_retries=self.retries)
        except HttpError as exc:
            status = exc.resp.status
            if status == 404:
                warnings.append(f"#{tag}: Google Drive folder {folder} was not found, or is not shared "
                                f"with the service account")
            elif status in (401, 403):
                warnings.append(f"#{tag}: Google Drive refused to list folder {folder} (HTTP {status}): "
                                f"{exc.reason}")
            else:
                warnings.append(f"#{tag}: Google Drive listing of folder {folder} failed with HTTP {status} "
                                f"after {self.retries} retries")
            return None
        except (httplib2.HttpLib2Error, OSError) as exc:
            warnings.append(f"#{tag}: Google Drive could not be reached: {exc}")
            return None
        return page if isinstance(page, dict) else None

    def _download(self, item: dict, tag: str, dest: Path, warnings: list[str]) -> Video | None:
        import httplib2
        from googleapiclient.errors import HttpError
        from googleapiclient.http import MediaIoBaseDownload

        file_id = item.get("id")
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        shown = (name or str(file_id))[:80]
        if not isinstance(file_id, str) or not _DRIVE_ID.fullmatch(file_id):
            warnings.append(f"#{tag}: skipped a Drive file with an unusable id: {file_id!r}")
            return None
        size = item.get("size")
        if isinstance(size, str) and size.isdigit() and int(size) > self.max_bytes:
            warnings.append(f"#{tag}: skipped Drive file {shown!r}: {int(size)} bytes is over {self.max_bytes}")
            return None
        path = dest / (file_stem(self.name, file_id) + _SUFFIXES.get(str(item.get("mimeType")), ".mp4"))
        if not path.is_file():  # another hashtag of this run may have fetched it already
            request = self._service.files().get_media(fileId=file_id, supportsAllDrives=True)
            try:
                with utils.atomic_path(path) as tmp, open(tmp, "wb") as fh:
                    downloader = MediaIoBaseDownload(fh, request, chunksize=self.chunk_bytes)
                    done = False
                    while not done:
                        status, done = downloader.next_chunk(num_retries=self.retries)
                        if status.resumable_progress > self.max_bytes:
                            raise _TooLarge
            except HttpError as exc:
                warnings.append(f"#{tag}: could not download Drive file {shown!r}: HTTP {exc.resp.status}")
                return None
            except _TooLarge:
                warnings.append(f"#{tag}: skipped Drive file {shown!r}: it is over {self.max_bytes} bytes")
                return None
            except (httplib2.HttpLib2Error, OSError) as exc:
                warnings.append(f"#{tag}: could not download Drive file {shown!r}: {exc}")
                return None
        probed = probe_download(path)
        if probed is None:
            warnings.append(f"#{tag}: skipped Drive file {shown!r}: ffmpeg cannot read it as a video")
            return None
        metadata = item.get("videoMediaMetadata")
        millis = metadata.get("durationMillis") if isinstance(metadata, dict) else None
        duration = int(millis) / 1000 if isinstance(millis, (str, int)) and str(millis).isdigit() else probed
        link = item.get("webViewLink")
        description = item.get("description")
        return Video(
            id=stable_id(self.name, file_id),
            title=os.path.splitext(name)[0].strip() or file_id,
            source=self.name,
            url=link if isinstance(link, str) and link.startswith("https://")
            else f"https://drive.google.com/file/d/{file_id}/view",
            path=path,
            duration_s=float(duration) if duration > 0 else probed,
            description=description.strip() if isinstance(description, str) else "",
            tag=tag,
        )
