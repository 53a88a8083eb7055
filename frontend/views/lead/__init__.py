"""The lead's workspace: project settings, data, members, dashboard and export pages."""
