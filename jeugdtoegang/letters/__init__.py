"""Decision letters (beschikkingen): texts as data, a resolved letter model, PDF rendering."""
