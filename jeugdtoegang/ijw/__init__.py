"""iJw 3.2 message exchange (iStandaarden): JW301/JW319 out, JW305/JW307/JW315/JW317 in.

Pure XML mapping lives here (:mod:`.xmlcodec` writes and reads the envelopes,
:mod:`.messages` maps message content to plain values); the use cases that touch the
database are in :mod:`jeugdtoegang.services.ijw`.
"""
