"""A network camera that vanishes: an HTTP server streaming MJPEG (multipart/x-mixed-replace, as IP
cameras and mjpg-streamer do) that drops the connection after a set number of frames and then stops
listening, as a camera whose power or network goes away mid-run. Python 3 stdlib only.

Frames are real JPEGs: taken from an MJPG .avi written by tests/support/make_test_video (OpenCV's
MJPG writer stores each frame as a whole JPEG, SOI to EOI).
"""
import socket
import threading
import time

BOUNDARY = 'ebframe'


def jpegs_from_avi(path):
    """The JPEG frames of an MJPG .avi, in order (each from its SOI marker to the next EOI)."""
    with open(path, 'rb') as f:
        data = f.read()
    frames = []
    pos = 0
    while True:
        start = data.find(b'\xff\xd8\xff', pos)
        if start < 0:
            break
        # Inside entropy-coded data an 0xFF byte is followed by 0x00 (stuffing) or a restart marker,
        # so the first FF D9 after SOI is this frame's EOI.
        end = data.find(b'\xff\xd9', start + 3)
        if end < 0:
            break
        frames.append(data[start:end + 2])
        pos = end + 2
    return frames


class VanishingCamera:
    """Serves every connection the JPEGs in a loop, one per 1/fps s. The first connection that has been
    sent `vanish_after` frames is cut there, and the camera is gone: the listening socket is closed, so
    later opens are refused. Connections the client closes earlier (OpenCV probing) do not count."""

    def __init__(self, jpegs, vanish_after, fps=100.0):
        self.jpegs = jpegs
        self.vanish_after = vanish_after
        self.period = 1.0 / fps
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(8)
        self.listener.settimeout(0.1)
        self.url = 'http://127.0.0.1:%d/stream.mjpg' % self.listener.getsockname()[1]
        self.vanished = threading.Event()
        self.vanished_at = None  # time.time() of the cut
        self.connections = 0
        self.sent_per_connection = []
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping and not self.vanished.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            with self.lock:
                self.connections += 1
                slot = len(self.sent_per_connection)
                self.sent_per_connection.append(0)
            threading.Thread(target=self._serve, args=(conn, slot), daemon=True).start()
        self.listener.close()

    def _serve(self, conn, slot):
        try:
            conn.settimeout(5)
            request = b''
            while b'\r\n\r\n' not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            conn.sendall(('HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=%s\r\n'
                          'Cache-Control: no-cache\r\n\r\n' % BOUNDARY).encode())
            i = 0
            while not self.stopping and not self.vanished.is_set():
                jpg = self.jpegs[i % len(self.jpegs)]
                conn.sendall(('--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n'
                              % (BOUNDARY, len(jpg))).encode() + jpg + b'\r\n')
                i += 1
                with self.lock:
                    self.sent_per_connection[slot] = i
                if i >= self.vanish_after:
                    # The camera is gone: no more connections either. shutdown() on the listening
                    # socket makes the kernel refuse new connections at once (and wakes accept()).
                    self.vanished_at = time.time()
                    self.vanished.set()
                    try:
                        self.listener.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    break
                time.sleep(self.period)
        except OSError:
            pass  # the client went away (OpenCV closing a probe): not the camera vanishing
        finally:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def close(self):
        self.stopping = True
        self.thread.join(2.0)
