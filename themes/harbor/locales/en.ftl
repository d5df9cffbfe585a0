# The words of the harbor theme. Entries here replace the built-in ones of the same key; the
# harbor-* keys are this theme's own (templates/start.html). The institution's name comes from
# the configuration ([institution] name). Same keys as ja.ftl.

start-lead = Forgotten your password or PIN? A reset code opens the page where you set new ones. It is not a password itself and stops working once your reset is done. We give it to you by an automated phone call or by registered post.
site-help-desk = Stuck? Our help desk in the harbour office is glad to help by telephone.
harbor-start-welcome = Welcome to { $institution }'s password help.
harbor-start-branches = You can also reset your password at the counter of any { $institution } branch; bring your cash card and an identity document.
harbor-start-choose = Choose how you would like to receive your reset code.
