"""The request flow of functional modules: read the request, decide (routing.decide), and carry the decision out:
forward (one function for every leg), broadcast and fan out, GET All, stand-in URLs and the calls to them, routing
hints; every answer recorded once (the trail)."""
