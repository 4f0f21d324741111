package web

// assetsRoutes are issue 6's: the asset-based tools of "Learning from What
// Goes Well" (seed 002) and the wellbeing check-ins.
func (s *Server) assetsRoutes() []Route {
	var rs []Route
	rs = append(rs, s.surveyRoutes()...)
	rs = append(rs, s.assetMapRoutes()...)
	rs = append(rs, s.wgwRoutes()...)
	return rs
}
