import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8001)); s.listen(5)
for i in range(2):
    c, _ = s.accept()
    c.recv(65536)
    c.sendall(b"HTTP/1.1 200 OK\r\nServer: rawsrv/0.1\r\nContent-Type: application/octet-stream\r\n\r\n")
    c.sendall(b"MZ" + b"\0" * 3000)
    c.close()
