#!/usr/bin/env python3
"""A real RTSP server (GStreamer's gst-rtsp-server) for the RTSP-over-TCP tests.

Usage: rtsp-tcp-server.py CLIP [PORT]   (PORT 0 or omitted: the kernel picks one)
Serves CLIP's H.264 video at rtsp://127.0.0.1:PORT/cam, paced at its own rate, and prints
"ready PORT" once it listens. Each client gets its own pipeline from the start of the clip (not
shared), so a reconnecting reader always finds a playing stream; the clip ends after its length.
CLIP "-" serves a live H.264 elementary stream read from standard input instead (an encoder
piped in), one pipeline shared by every client, timestamped on arrival.
"""
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    if len(sys.argv) < 2:
        sys.stderr.write('usage: rtsp-tcp-server.py CLIP [PORT]\n')
        sys.exit(2)
    clip = sys.argv[1]
    port = sys.argv[2] if len(sys.argv) > 2 else '0'
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    if clip == '-':
        factory.set_launch('( fdsrc fd=0 do-timestamp=true ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )')
        factory.set_shared(True)
    else:
        # The location is quoted for gst_parse; the clip path is ours (a fixture), never user input.
        factory.set_launch(f'( filesrc location="{clip}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )')
        factory.set_shared(False)
    server.get_mount_points().add_factory('/cam', factory)
    if server.attach(None) == 0:
        sys.stderr.write(f'could not listen on 127.0.0.1:{port}\n')
        sys.exit(1)
    print(f'ready {server.get_bound_port()}', flush=True)
    GLib.MainLoop().run()


if __name__ == '__main__':
    main()
