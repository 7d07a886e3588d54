"""Helpers the tests share: fresh databases and editors, real servers, HTTP and HTML tools."""
