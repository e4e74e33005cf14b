"""Reads of the dashboards: the choropleth map's values and classes (`choropleth`)."""
