"""From decisions to words: the rule tick with siteloop's messages (`bot.notify.tick`), where
each notification goes (`bot.notify.compose`) and what it says (`bot.notify.text`).
"""
