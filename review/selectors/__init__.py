"""Reads of the review app, one module per resource; import the module you need.

Every selector that serves a person takes the requesting user and checks their role.
"""
