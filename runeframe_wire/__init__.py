"""runeframe_wire: what the kit and the stack both speak at the lowest level.

`http1`: one keep-alive HTTP/1.1 connection on httptools' parser, the load engine's
virtual users' and the services' calls to one another; `prometheus`: the samples of a
/metrics page, read by the load engine's resource watch and by Jonar's autoscaler.
Like `runeframe_process`, it imports no other layer; its dependencies are httptools and
prometheus_client's parser, both in the kit's core install.
"""
