"""Text rules for Vietnamese address lines; rule tables live in ``vaddr/rules/data`` as TSV files.

Modules: :mod:`.text` (normalize, fold, squeeze, tone placement, title case), :mod:`.abbreviations` (unit
types, address words, name abbreviations), :mod:`.restore` (diacritic restoration for free text). Import the
submodule you need; nothing is loaded here.
"""
