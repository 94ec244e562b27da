"""Lesson 09, description -> product listing (描述→商品图→属性标注): the course's parts composed into the system a
small shop would use. A written request (English or 中文) or the shop's own poor photo goes in; a product image
comes out, edited to the request, with its attributes filled in, checked, and labelled as generated.

One concern per file: ``request`` (what a request asks for, and re-describing it with one word changed),
``ranking`` (each candidate read by the tagger and scored against the request, with its reasons), ``checks``
(what must hold before anything is published), ``photo`` (a shop photo restored and tagged), ``card`` (the
listing card with its visible label), ``labels`` (the implicit label: PNG metadata, and the C2PA fields the
JSON maps to) and ``pipeline`` (the stages in order, and the files written).
"""
