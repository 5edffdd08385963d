"""course_site: this site's own Sphinx extensions, one module per concern.

Each module is an extension with its own ``setup()``, loaded by name (for instance
``course_site.content_security``), so a test project can load one alone. The installable
card extension is ``course_cards``; nothing here is part of that wheel.

General-purpose pieces, which know nothing of the course and could serve any Furo site:

- ``content_security``: what page content may contain, and the Content-Security-Policy.
- ``fast_navigation``: Furo's site navigation rendered once per build.
- ``once_per_build``: work Sphinx repeats for every page (stems, titles) done once per build.
- ``kept_bodies``: a page written again only for its navigation keeps its body from the last build.
- ``stable_config``: no "configuration changed" on unchanged rebuilds.
- ``site_html``: corrections to the HTML Sphinx writes for Furo's chrome.

The course's own rules and outputs, which know its weeks and sections:

- ``shape``: the course's rules for its pages (warnings typed ``course_shape.<rule>``).
- ``week_ebooks``: every week as an e-book, linked from the week's page.
"""
